"""The one web process: a Starlette app holding every HTTP route and background component."""
