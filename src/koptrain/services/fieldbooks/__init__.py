"""Field workbooks (SPEC §11): what koptrain hands out to mentors and cooperatives."""
