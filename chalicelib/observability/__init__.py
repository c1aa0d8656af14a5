"""Operability shared by the API and the sweep: the request id on every log record
(`request_ids`) and CloudWatch embedded-metric documents (`emf`). Standard library only,
so it costs the cold start next to nothing and every layer may use it."""
