"""The browser client and auditor console (TypeScript in ``web/src``, built into ``web/dist``)."""
