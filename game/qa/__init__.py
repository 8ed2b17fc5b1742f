"""The QA lab's video game ("Bleuets en cavale"): a pure, deterministic simulation core.

levels (level data and its loader), world (a level as the sim reads it), physics (moving the
player's box), bugs (seeded bug catalogue and hooks), texts (the game's own texts), state (the
saveable SimState), sim (the state machine and replay), routes (how to beat each level).
Nothing here imports pygame or reads a clock: drawing and sound belong to game/ui.
"""
