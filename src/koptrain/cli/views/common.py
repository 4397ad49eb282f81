"""What several renderers share: the sessions a long table lists, and bars."""

TABLE_SESSIONS = 60  # a summary table lists at most this many sessions: the first and last


def sessions_shown(sessions: list) -> tuple[list, int]:
    """The sessions a table lists, with None where the others are left out, and how many
    are left out: a province's 50,000 sessions would bury the totals."""
    if len(sessions) <= TABLE_SESSIONS:
        return list(sessions), 0
    half = TABLE_SESSIONS // 2
    return [*sessions[:half], None, *sessions[-half:]], len(sessions) - 2 * half


def bar(value: int, total: int, width: int = 24) -> str:
    filled = 0 if total <= 0 else round(width * min(value, total) / total)
    return "█" * filled + "░" * (width - filled)
