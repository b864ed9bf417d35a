"""The Jira adapter: the transport every dialect shares, and the Cloud and Data Center syncs.

Transport (dialect-neutral): ``wire`` (HTTP/1.1, bounded reads), ``client`` (retries, rate limits,
deadlines, errors), ``paging`` (every paging style, bounded), ``auth`` (Basic or Bearer), ``scrub`` (no
secret or control character in anything shown), ``limits``, ``errors``, ``shape`` (typed reading of
server JSON), ``tasks`` (concurrency helpers).  Cloud: ``sync``, ``global_check``, ``verify``,
``site_check``.  Data Center: ``dialects``.  Depends on the core and the store, never on the front ends
(enforced by import-linter).
"""
