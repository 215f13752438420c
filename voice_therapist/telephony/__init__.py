"""Phone calls over SIP: a small user agent, SDP offer/answer, RTP with a jitter buffer, G.711 at the edge.

No maintained pure-Python SIP stack fits an asyncio service, so the protocol is kept to what a
callee needs (RFC 3261 over UDP, RFC 3264, RFC 3550, RFC 4733, RFC 3515), one job per module.
"""
