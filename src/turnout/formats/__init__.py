"""Output formats: small streaming writers behind one interface."""
