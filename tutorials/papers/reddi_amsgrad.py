"""Reddi, Kale & Kumar, "On the Convergence of Adam and Beyond" (ICLR 2018, arXiv:1904.09237).

Claim: Adam can converge to the worst point of a simple convex problem, because its moving
average of squared gradients forgets a rare large gradient; AMSGrad (divide by the running
maximum of that average instead) does not, and moves towards the optimum.

What the paper reports (read in a text copy of arXiv:1904.09237; its figures are images and
were not read, so no value is taken from a plot):
- Section 3: on F = [-1, 1], f_t(x) = C x when t mod 3 = 1, else -x, with C > 2 (the optimum is
  x = -1): with beta1 = 0 and beta2 = 1 / (1 + C^2), Adam converges to x = +1, the point of
  largest regret. The step sizes of the proof are in its appendix, not read.
- Section 5, Figure 1 (left, centre), the online problem f_t(x) = 1010 x when t mod 101 = 1,
  else -10 x, with beta1 = 0.9 and beta2 = 0.99 for both: Adam's iterate converges to x = +1,
  AMSGrad's average regret goes to 0 and its iterate to the optimum x = -1.
- Section 5, Figure 1 (right), the stochastic problem f_t(x) = 1010 x with probability 0.01,
  else -10 x: the text says Adam's iterate again converges to x = +1, and says nothing of
  AMSGrad's (only the plot shows it). The text gives no step size nor number of steps for
  either synthetic problem (alpha_t = alpha / sqrt(t) is what it uses for logistic regression).

Reproduced, on x in [-1, 1] with the iterate projected back (clipped) after every step, Adam and
AMSGrad side by side (minigrad's Adam with amsgrad=True), alpha_t = alpha / sqrt(t):
(a) section 3's example with C = 3 (beta2 = 0.1), alpha = 0.5, five starting points;
(b) the online problem, and (c) the stochastic one on 64 independent runs (seeds), both from
    x = 0 with betas (0.9, 0.99) and alpha = 2 (ours), for 449,955 steps (20,200 with
    MINIGRAD_QUICK=1): whole periods of 101, so (b) is read just before its 1010 x step.
Each coordinate of one parameter vector is one run (Adam and AMSGrad act coordinate by
coordinate, so the runs are independent); the gradient of c_t * x is c_t, set directly.

Where it differs: minigrad's Adam is PyTorch's, with bias correction and eps = 1e-8, where the
paper's algorithms have neither (the corrections fade after a few hundred steps); alpha and
the number of steps are ours. In (c) AMSGrad has not arrived: its median ends at -0.75 (10th
to 90th percentile of the runs -0.99 to -0.23), Adam's at +0.97. The rare 1010 x steps come at
random, and each lifts x by about alpha_t * 1010 / sqrt(v_max) (4 to 10 alpha_t), while the
pull towards -1 is only the mean gradient 0.2: x wanders above -1 by an amount that shrinks
only with alpha_t, so the median closes in slowly, and hardly faster for another alpha. The
same code run for 2,000,002 steps (about 3 minutes of CPU time) ended with a median of -0.86
(-0.84 after 1,000,000; 10th to 90th percentile -0.97 to -0.59), and a numpy transcription of
the same update, on other draws, -0.91 after 2,000,000 steps with alpha 2 and with alpha 0.7
alike. So (c) asserts the direction and a median below -0.5, not arrival at -1; (b),
deterministic, shows AMSGrad at the optimum.

Runs in about 35 s (2.6 s with MINIGRAD_QUICK=1) on two cores (wall time, nearly all of it CPU).
"""

import os

import numpy as np

import minigrad as mg
from minigrad import optim

QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # 1: a short run with the same code
THEOREM_STEPS = 999 if QUICK else 3000  # whole cycles of 3 steps: x is read after the -x steps
SYNTHETIC_STEPS = 101 * (200 if QUICK else 4455)  # whole periods of the online problem
RUNS = 64  # independent runs of the stochastic problem, one coordinate each
ALPHA = 2.0


def run(coefficients, steps, x0, alpha, betas):
    """Adam and AMSGrad side by side on f_t(x) = c_t * x, one coordinate per problem, each step
    projected onto [-1, 1]; ``coefficients(t)`` gives c_t for every coordinate."""
    x_adam = mg.Tensor(np.array(x0, dtype=np.float64), requires_grad=True)
    x_ams = mg.Tensor(np.array(x0, dtype=np.float64), requires_grad=True)
    opt = optim.Adam([{"params": [x_adam]}, {"params": [x_ams], "amsgrad": True}], betas=betas)
    adam_group, ams_group = opt.param_groups
    for t in range(1, steps + 1):
        adam_group["lr"] = ams_group["lr"] = alpha / t**0.5
        x_adam.grad = coefficients(t)  # the gradient of c_t * x
        x_ams.grad = x_adam.grad.copy()
        opt.step()
        for x in (x_adam.data, x_ams.data):  # the projection onto the feasible set F = [-1, 1]
            np.maximum(x, -1.0, out=x)
            np.minimum(x, 1.0, out=x)
    return x_adam.data, x_ams.data


# (a) section 3's example
C = 3.0
starts = [-0.9, -0.5, 0.0, 0.5, 1.0]
adam_a, ams_a = run(
    lambda t: np.full(len(starts), C if t % 3 == 1 else -1.0), THEOREM_STEPS, starts, 0.5, (0.0, 1 / (1 + C**2))
)

# (b) the online problem, last coordinate, and (c) the stochastic one, the others
rng = np.random.default_rng(0)


def synthetic(t):
    c = np.where(rng.random(RUNS + 1) < 0.01, 1010.0, -10.0)
    c[-1] = 1010.0 if t % 101 == 1 else -10.0
    return c


adam_bc, ams_bc = run(synthetic, SYNTHETIC_STEPS, np.zeros(RUNS + 1), ALPHA, (0.9, 0.99))
(adam_b, adam_c), (ams_b, ams_c) = (adam_bc[-1], adam_bc[:-1]), (ams_bc[-1], ams_bc[:-1])

print(f"(a) f_t = {C:g}x once in 3 steps, else -x; beta1 = 0, beta2 = 1/(1+C^2); alpha 0.5; {THEOREM_STEPS} steps")
print("    paper (section 3, C > 2): Adam converges to x = +1, the point of largest regret (the optimum is -1)")
print(f"    minigrad, from x0 = {starts}:")
print(f"      Adam    ends at {np.round(adam_a, 3).tolist()}")
print(f"      AMSGrad ends at {np.round(ams_a, 3).tolist()}")
print(f"(b) f_t = 1010x when t mod 101 = 1, else -10x; betas (0.9, 0.99); alpha {ALPHA:g}; {SYNTHETIC_STEPS} steps")
print("    paper (section 5, figure 1 left and centre): Adam's iterate -> +1; AMSGrad's -> the optimum -1")
print(f"    minigrad, from x0 = 0: Adam ends at {adam_b:+.3f}, AMSGrad at {ams_b:+.3f}")
print(f"(c) f_t = 1010x with probability 0.01, else -10x; the same settings; {RUNS} runs")
print("    paper (section 5, figure 1 right): Adam's iterate -> +1; the text gives no outcome for AMSGrad")
print("      (its curve is only in the plot, which was not read)")
print("    minigrad, median [10th, 90th percentile] of x over the runs:")
for name, x in [("Adam", adam_c), ("AMSGrad", ams_c)]:
    lo, mid, hi = np.percentile(x, [10, 50, 90])
    print(f"      {name:8s}{mid:+.3f} [{lo:+.3f}, {hi:+.3f}]")

# (a) is deterministic: Adam pinned at +1, AMSGrad near -1, from every start.
assert np.all(adam_a > 0.99), adam_a
assert np.all(ams_a < -0.9), ams_a
# (b) is deterministic too: Adam at +1; AMSGrad at -0.98 after the full run (-0.74 after the quick one).
assert adam_b > 0.99, adam_b
assert ams_b < (-0.6 if QUICK else -0.95), ams_b
# (c): Adam near +1 in most runs; AMSGrad's median heads the other way, well below 0 after the full run.
assert np.median(adam_c) > (0.7 if QUICK else 0.9) and np.mean(adam_c > 0.5) > 0.75, adam_c
assert np.median(ams_c) < (-0.05 if QUICK else -0.5) and np.mean(ams_c < 0) > 0.5, ams_c
print("claim holds: Adam ends near the worst point x = +1 in all three; AMSGrad heads for the optimum x = -1 in all")
print(f"  three, and reaches it in {'(a)' if QUICK else '(a) and (b)'} (in (c) its median is on its way, below 0)")
