"""The multi-backend engine. It never imports the notebook layer (widgets/, magics/)."""
