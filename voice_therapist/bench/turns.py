"""Spoken user turns of varied length, written for measuring (not clinical content)."""

UTTERANCES = [
    "Hi.",
    "I had a rough day.",
    "Work has been really stressful this week and I can't switch off at night.",
    "My manager keeps piling on more tasks.",
    "I feel like I am failing at everything, even the small things.",
    "Yes.",
    "Mostly tired, and a bit lonely.",
    "I used to go running in the mornings but I stopped a few months ago because I never had the time.",
    "I guess I could call my sister tonight.",
    "That sounds okay.",
    "Sometimes I lie awake thinking about all the emails I still have to answer.",
    "Thank you, that helps a little.",
]
