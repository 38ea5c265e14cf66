"""Translating threads with an OpenAI-compatible LLM: run, plan, report, the client and the
answer contract."""
