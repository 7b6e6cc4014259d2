"""Optimizer configurations compared against Keras and run through compiled `stateless_apply`.

Each case is ``(class name, constructor kwargs, setup)``; setup keys: ``schedule`` (a
schedule class name and its kwargs as the learning rate), ``inner`` (the wrapped optimizer of
a LossScaleOptimizer), ``constraint`` (NonNeg on the kernel), ``exclude`` (names excluded
from weight decay), ``finalize`` (copy the EMA in at the end).
"""

SGD_ADAM_CASES = [
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}, {}),
    ("SGD", {"learning_rate": 0.1, "use_ema": True, "ema_overwrite_frequency": 3}, {}),
    ("SGD", {"learning_rate": 0.1, "gradient_accumulation_steps": 3, "momentum": 0.5}, {}),
    ("SGD", {"learning_rate": 0.5, "loss_scale_factor": 4.0}, {"constraint": True}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True, "clipvalue": 0.5}, {}),
    ("Adam", {"learning_rate": 0.01, "weight_decay": 0.1}, {"exclude": ["bias"]}),
    ("Adam", {"use_ema": True, "gradient_accumulation_steps": 2, "ema_overwrite_frequency": 1},
     {"finalize": True}),
    ("Adam", {"global_clipnorm": 0.5},
     {"schedule": ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 2,
                                        "decay_rate": 0.5})}),
    ("AdamW", {"amsgrad": True, "use_ema": True}, {}),
]


OTHER_CASES = [
    ("Adamax", {"learning_rate": 0.01}, {}),
    ("Adamax", {"weight_decay": 0.1, "clipnorm": 0.5, "use_ema": True}, {}),
    ("Nadam", {"learning_rate": 0.01}, {}),
    ("Nadam", {"gradient_accumulation_steps": 2, "global_clipnorm": 1.0}, {}),
    ("Lamb", {"learning_rate": 0.01, "weight_decay": 0.01}, {}),
    ("Lion", {"learning_rate": 0.01, "beta_1": 0.8}, {}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.2}, {}),
    ("Adadelta", {"learning_rate": 1.0, "rho": 0.9}, {}),
    ("RMSprop", {"learning_rate": 0.01}, {}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True, "clipvalue": 1.0}, {}),
    ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01,
              "l2_regularization_strength": 0.02, "l2_shrinkage_regularization_strength": 0.03,
              "beta": 0.1}, {}),
    ("Ftrl", {"learning_rate": 0.1, "learning_rate_power": -0.3}, {"constraint": True}),
    ("Adafactor", {"learning_rate": 0.01}, {}),
    ("Adafactor", {"relative_step": False, "clip_threshold": 0.5},
     {"schedule": ("CosineDecay", {"initial_learning_rate": 0.3, "decay_steps": 10})}),
    ("Muon", {"learning_rate": 0.01}, {}),
    ("Muon", {"learning_rate": 0.01, "nesterov": False, "exclude_layers": ["bias"],
              "weight_decay": 0.1, "adam_lr_ratio": 0.5}, {}),
    ("Muon", {"learning_rate": 0.01, "rms_rate": None, "ns_steps": 3}, {}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.01}, {}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.01, "warmup_steps": 3, "weight_decay": 0.1}, {}),
    ("LossScaleOptimizer", {"initial_scale": 4.0, "dynamic_growth_steps": 2},
     {"inner": ("SGD", {"learning_rate": 0.1, "momentum": 0.9})}),
    ("LossScaleOptimizer", {"initial_scale": 8.0},
     {"inner": ("Adam", {"learning_rate": 0.1, "use_ema": True})}),
]

