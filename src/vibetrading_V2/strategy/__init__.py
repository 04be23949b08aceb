"""The strategy SDK (base, bundle) and the loader that guards it (registry, sandbox)."""
