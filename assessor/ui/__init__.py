"""Streamlit pages: each reads st.session_state, calls the core, and draws."""
