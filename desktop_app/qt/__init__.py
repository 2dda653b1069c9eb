"""View state between the engine and the widgets: item models, the job controller."""
