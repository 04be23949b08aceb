"""Default cost / risk / sizing policies, the pure override merge and the one risk gate.

Import from the submodules (``policies.config``, ``safety_config``, ``merge``, ``sizing``,
``risk``) or from here; the names below are the package's public API. The cost policy is
configuration only: the fee it describes is computed in one place, ``execution.fees.order_fee``.
"""

from vibetrading_V2.policies.config import CostPolicy, PolicySet, RiskPolicy, SizingPolicy
from vibetrading_V2.policies.merge import merge_policies
from vibetrading_V2.policies.risk import (
    RiskDecision,
    RiskEngine,
    RiskReason,
    RiskSnapshot,
    StateTransition,
)
from vibetrading_V2.policies.safety_config import SafetyPolicy
from vibetrading_V2.policies.sizing import Sizer, SizingError, SizingReason, annualised_volatility

__all__ = [
    "CostPolicy",
    "PolicySet",
    "RiskDecision",
    "RiskEngine",
    "RiskPolicy",
    "RiskReason",
    "RiskSnapshot",
    "SafetyPolicy",
    "Sizer",
    "SizingError",
    "SizingPolicy",
    "SizingReason",
    "StateTransition",
    "annualised_volatility",
    "merge_policies",
]
