"""What lives with the database beyond opening it (koptrain.db): the rules of the figures
as query builders (queries) and the derived state the store keeps from them (derived).
Nothing here imports a service."""
