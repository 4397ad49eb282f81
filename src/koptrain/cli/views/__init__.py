"""Renderers: each turns one command's result into one output format (a Rich table on a
console, CSV or JSON on a stream). They compute nothing and read no database; user data
reaches the console only through koptrain.io.output (never as Rich markup)."""
