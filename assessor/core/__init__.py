"""The core: the application model, the rulebook and its loader, the criterion kinds, the
engine and what an assessment says. It imports nothing above it: no Streamlit, no PDF code,
no file formats other than the rulebook's TOML."""
