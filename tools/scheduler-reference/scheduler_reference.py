"""Reference numbers for the engine's diffusion scheduler (src-main/engine/diffusion/), computed with numpy in float64
from the formulas of diffusers' DDPM/DDIM schedulers, written independently of the engine:

  * betas and alphas_cumprod of the three beta schedules with Stable Diffusion's values (beta_start 0.00085,
    beta_end 0.012, 1000 training steps), at a few timesteps, and alphas_cumprod[0], the "final" alpha of
    set_alpha_to_one false;
  * DDIMScheduler.set_timesteps' sequences for each timestep_spacing ("leading" with steps_offset 1, "trailing",
    "linspace"), numpy rounding included;
  * the conversion of a model output to epsilon and x0_hat for prediction types epsilon, v_prediction and sample.

Run with Debian's python3 from the repository root:
  /usr/bin/python3 tools/scheduler-reference/scheduler_reference.py
It writes tests/fixtures/scheduler-reference.json.
"""
import json
import math
import os

import numpy as np

TRAIN_STEPS = 1000
BETA_START, BETA_END = 0.00085, 0.012
SAMPLED_TIMESTEPS = [0, 1, 2, 10, 99, 250, 500, 501, 750, 998, 999]


def betas_for(schedule, train_steps=TRAIN_STEPS, beta_start=BETA_START, beta_end=BETA_END):
    if schedule == 'linear':
        return np.linspace(beta_start, beta_end, train_steps, dtype=np.float64)
    if schedule == 'scaled_linear':
        return np.linspace(beta_start ** 0.5, beta_end ** 0.5, train_steps, dtype=np.float64) ** 2
    if schedule == 'squaredcos_cap_v2':
        def alpha_bar(fraction):
            return math.cos((fraction + 0.008) / 1.008 * math.pi / 2) ** 2
        return np.array([min(1 - alpha_bar((i + 1) / train_steps) / alpha_bar(i / train_steps), 0.999)
                         for i in range(train_steps)], dtype=np.float64)
    raise ValueError(schedule)


def schedules():
    out = []
    for name in ('linear', 'scaled_linear', 'squaredcos_cap_v2'):
        betas = betas_for(name)
        cumprod = np.cumprod(1.0 - betas)
        out.append({
            'beta_schedule': name,
            'timesteps': SAMPLED_TIMESTEPS,
            'betas': [float(betas[t]) for t in SAMPLED_TIMESTEPS],
            'alphas_cumprod': [float(cumprod[t]) for t in SAMPLED_TIMESTEPS],
            'final_alpha_cumprod_without_set_alpha_to_one': float(cumprod[0]),
        })
    return out


def ddim_timesteps(spacing, inference_steps, train_steps=TRAIN_STEPS, steps_offset=1):
    """DDIMScheduler.set_timesteps, as diffusers writes it."""
    if spacing == 'linspace':
        steps = np.linspace(0, train_steps - 1, inference_steps).round()[::-1].copy().astype(np.int64)
    elif spacing == 'leading':
        ratio = train_steps // inference_steps
        steps = (np.arange(0, inference_steps) * ratio).round()[::-1].copy().astype(np.int64)
        steps += steps_offset
    elif spacing == 'trailing':
        ratio = train_steps / inference_steps
        steps = np.round(np.arange(train_steps, 0, -ratio)).astype(np.int64)
        steps -= 1
    else:
        raise ValueError(spacing)
    return [int(t) for t in steps]


def timestep_cases():
    cases = []
    for spacing in ('leading', 'trailing', 'linspace'):
        for steps in (1, 7, 30, 50, 333):
            cases.append({'train_steps': TRAIN_STEPS, 'steps_offset': 1, 'timestep_spacing': spacing,
                          'inference_steps': steps, 'timesteps': ddim_timesteps(spacing, steps)})
    # Small schedules where numpy's half-to-even rounding differs from rounding halves up (4.5 -> 4, 12.5 -> 12).
    for spacing, train, steps in (('linspace', 10, 3), ('trailing', 25, 2), ('linspace', 26, 3)):
        cases.append({'train_steps': train, 'steps_offset': 1, 'timestep_spacing': spacing,
                      'inference_steps': steps, 'timesteps': ddim_timesteps(spacing, steps, train)})
    return cases


def conversions():
    rng = np.random.default_rng(18)
    cumprod = np.cumprod(1.0 - betas_for('scaled_linear'))
    cases = []
    for t in (0, 500, 999):
        alpha_bar = float(cumprod[t])
        xt = rng.standard_normal(6)
        output = rng.standard_normal(6)
        a, s = math.sqrt(alpha_bar), math.sqrt(1 - alpha_bar)
        for prediction in ('epsilon', 'v_prediction', 'sample'):
            if prediction == 'epsilon':
                eps, x0 = output, (xt - s * output) / a
            elif prediction == 'v_prediction':
                eps, x0 = a * output + s * xt, a * xt - s * output
            else:
                eps, x0 = (xt - a * output) / s, output
            cases.append({'prediction_type': prediction, 'timestep': t, 'alpha_cumprod': alpha_bar,
                          'x_t': xt.tolist(), 'model_output': output.tolist(),
                          'epsilon': eps.tolist(), 'x0': x0.tolist()})
    return cases


if __name__ == '__main__':
    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    target = os.path.join(root, 'tests', 'fixtures', 'scheduler-reference.json')
    with open(target, 'w', encoding='utf-8') as f:
        json.dump({'reference': 'tools/scheduler-reference/scheduler_reference.py', 'numpy': np.__version__,
                   'beta_start': BETA_START, 'beta_end': BETA_END, 'train_steps': TRAIN_STEPS,
                   'schedules': schedules(), 'ddim_timesteps': timestep_cases(), 'conversions': conversions()},
                  f, indent=1)
        f.write('\n')
    print('wrote', os.path.relpath(target, root))
