"""A local stand-in for the AI/ML API video endpoints and their CDN, over real HTTP."""

from desktop_app.simulator.records import Fault
from desktop_app.simulator.server import Simulator, SimulatorConfig

__all__ = ["Fault", "Simulator", "SimulatorConfig"]
