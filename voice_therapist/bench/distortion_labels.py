"""The one place where the public datasets' distortion labels meet the project's names.

Labels with no counterpart in the project's eleven (e.g. "Comparing and despairing",
"Negative feeling or emotion") map to None; items carrying only such labels are left out of
the measurement and counted separately.
"""

CBT_BENCH = {
    "all-or-nothing thinking": "all_or_nothing",
    "overgeneralization": "overgeneralization",
    "mental filter": "mental_filter",
    "mind reading": "mind_reading",
    "fortune-telling": "fortune_telling",
    "magnification": "catastrophizing",
    "emotional reasoning": "emotional_reasoning",
    "should statements": "should_statements",
    "labeling": "labeling",
    "personalization": "personalization",
}

THINKING_TRAPS = {
    "all-or-nothing thinking": "all_or_nothing",
    "overgeneralizing": "overgeneralization",
    "overgeneralization": "overgeneralization",
    "disqualifying the positive": "disqualifying_positive",
    "mind reading": "mind_reading",
    "fortune telling": "fortune_telling",
    "catastrophizing": "catastrophizing",
    "emotional reasoning": "emotional_reasoning",
    "should statements": "should_statements",
    "labeling": "labeling",
    "personalizing": "personalization",
    "personalization": "personalization",
    "blaming": "personalization",  # Burns: "personalization and blame" are one distortion
    "not distorted": "none",
    # Spellings only the dev set (reframing_dataset.csv) uses; Burns's "magnification
    # (catastrophizing)" is one trap, as in the CBT-Bench mapping above.
    "magnification": "catastrophizing",
    "none": "none",
    "negative feeling or emotion": None,
    "comparing and despairing": None,
    "comparing": None,
}
