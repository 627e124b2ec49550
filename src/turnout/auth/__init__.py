"""API keys, permissions and the verifier every edge shares."""
