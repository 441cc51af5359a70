"""Self-editing pages: /me/ (one's own profile) and /me/profiles/<slug>/ (lab admins)."""
