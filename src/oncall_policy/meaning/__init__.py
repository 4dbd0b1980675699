"""What a policy means, as plain values, from the policy alone: where each alert goes
(``dispatch``), what that means for the people on call (``facts``), who is on call at an instant
(``who``), and what a change to the policy changes for them (``diff``)."""
