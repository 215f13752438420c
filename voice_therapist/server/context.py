"""What every door shares: configuration, the loaded models, identity, memory, limits, metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import Config
from ..pipeline.models import Models
from ..safety.escalation_service import EscalationService
from ..safety.responses import SafetyScripts
from .auth import Authenticator
from .limits import SessionLimiter
from .metrics import ServerMetrics


@dataclass
class ServerContext:
    cfg: Config
    models: Models
    auth: Authenticator
    memory: Any  # MemoryStore's public methods; the storage layer provides its own
    limiter: SessionLimiter
    metrics: ServerMetrics
    safety: SafetyScripts
    escalations: EscalationService  # the process's one outbox and retry loop
    closing: set = field(default_factory=set)  # things to close on shutdown (WebRTC calls)
