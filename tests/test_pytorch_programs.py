"""Programs in PyTorch's idiom, of the kinds learners write, run on minigrad unchanged but for
the import: counting bigrams, a one-layer neural bigram model, an MLP over an embedding
table with batch statistics by hand, an nn.Module classifier with its train and test loops,
and a small next-token model built from nn layers.

Each program's results are checked against numpy computations of the same quantities (or
against facts that hold for any random stream), so a test fails if minigrad computes
something different from what the PyTorch program means, not only if it raises.
"""

import math

import numpy as np
import pytest

import minigrad as torch

nn = torch.nn
F = torch.nn.functional

WORDS = ["ada", "alan", "ana", "anna", "bob", "eve", "ivan", "lena", "nina", "otto", "tina", "vera"]


def vocabulary(words):
    """Character -> index, with '.' (index 0) marking the start and end of a word."""
    stoi = {c: i + 1 for i, c in enumerate(sorted(set("".join(words))))}
    stoi["."] = 0
    return stoi, {i: c for c, i in stoi.items()}


def bigrams(words, stoi):
    pairs = []
    for w in words:
        chs = ["."] + list(w) + ["."]
        pairs += [(stoi[a], stoi[b]) for a, b in zip(chs, chs[1:])]
    return pairs


def test_bigram_counts_probabilities_likelihood_and_sampling():
    stoi, itos = vocabulary(WORDS)
    V = len(stoi)
    N = torch.zeros((V, V), dtype=torch.int32)
    for w in WORDS:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            N[stoi[ch1], stoi[ch2]] += 1

    counts = np.zeros((V, V), dtype=np.int64)
    np.add.at(counts, tuple(np.array(bigrams(WORDS, stoi)).T), 1)
    assert N.dtype == torch.int32
    assert (N.numpy() == counts).all()

    P = (N + 1).float()
    P /= P.sum(1, keepdim=True)
    assert P.dtype == torch.float32
    np.testing.assert_allclose(P.numpy(), (counts + 1) / (counts + 1).sum(1, keepdims=True), rtol=1e-6)

    log_likelihood, n = 0.0, 0
    for ix1, ix2 in bigrams(WORDS, stoi):
        log_likelihood += torch.log(P[ix1, ix2])
        n += 1
    nll = -log_likelihood / n
    expected = -np.mean([math.log((counts[a, b] + 1) / (counts[a].sum() + V)) for a, b in bigrams(WORDS, stoi)])
    assert nll.item() == pytest.approx(expected, rel=1e-5)

    def sample(generator):
        out, ix = [], 0
        while len(out) < 50:
            ix = torch.multinomial(P[ix], num_samples=1, replacement=True, generator=generator).item()
            if ix == 0:
                break
            out.append(itos[ix])
        return "".join(out)

    first = [sample(torch.Generator().manual_seed(2147483647)) for _ in range(2)]
    assert first[0] == first[1]  # the same seed draws the same word
    g = torch.Generator().manual_seed(7)
    words = [sample(g) for _ in range(20)]
    assert all(set(w) <= set(stoi) for w in words)
    assert len(set(words)) > 1  # one generator, advancing


def test_neural_bigram_gradient_is_the_softmax_regression_gradient_and_descent_lowers_the_loss():
    stoi, _ = vocabulary(WORDS)
    V = len(stoi)
    xs, ys = zip(*bigrams(WORDS, stoi))
    xs, ys = torch.tensor(xs), torch.tensor(ys)
    assert xs.dtype == torch.long and ys.dtype == torch.int64
    num = xs.nelement()

    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((V, V), generator=g, requires_grad=True)
    losses = []
    for k in range(30):
        xenc = F.one_hot(xs, num_classes=V).float()
        logits = xenc @ W
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W**2).mean()
        W.grad = None
        loss.backward()
        if k == 0:  # d loss / d W = X^T (softmax - onehot(y)) / n + 0.02 W / V^2, by hand
            X = np.eye(V)[np.array(xs.tolist())]
            p = np.exp(X @ W.data.astype(np.float64))
            p /= p.sum(1, keepdims=True)
            expected = X.T @ (p - np.eye(V)[np.array(ys.tolist())]) / num + 0.02 * W.data / V**2
            np.testing.assert_allclose(W.grad, expected, rtol=1e-4, atol=1e-6)
        W.data += -10 * W.grad
        losses.append(loss.item())
    assert losses[-1] < losses[0] - 0.5  # a convex problem at a stable step: it falls far and steadily
    assert all(b < a for a, b in zip(losses, losses[1:]))


def build_dataset(words, stoi, block_size):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    return torch.tensor(X), torch.tensor(Y)


def test_mlp_over_an_embedding_table_with_batch_statistics_by_hand():
    stoi, _ = vocabulary(WORDS)
    V, block_size, n_embd, n_hidden = len(stoi), 3, 4, 32
    X, Y = build_dataset(WORDS, stoi, block_size)
    assert X.shape == (sum(len(w) + 1 for w in WORDS), block_size)

    g = torch.Generator().manual_seed(2147483647)
    C = torch.randn((V, n_embd), generator=g)
    W1 = torch.randn((n_embd * block_size, n_hidden), generator=g) * (5 / 3) / (n_embd * block_size) ** 0.5
    W2 = torch.randn((n_hidden, V), generator=g) * 0.01
    b2 = torch.randn(V, generator=g) * 0
    bngain = torch.ones((1, n_hidden))
    bnbias = torch.zeros((1, n_hidden))
    bnmean_running = torch.zeros((1, n_hidden))
    bnstd_running = torch.ones((1, n_hidden))
    parameters = [C, W1, W2, b2, bngain, bnbias]
    assert sum(p.nelement() for p in parameters) == V * n_embd + 12 * n_hidden + n_hidden * V + V + 2 * n_hidden
    for p in parameters:
        p.requires_grad = True

    @torch.no_grad()
    def split_loss(x, y):
        emb = C[x]
        hpreact = emb.view(emb.shape[0], -1) @ W1
        hpreact = bngain * (hpreact - bnmean_running) / bnstd_running + bnbias
        logits = torch.tanh(hpreact) @ W2 + b2
        return F.cross_entropy(logits, y)

    lre = torch.linspace(-3, 0, 5)
    lrs = 10**lre
    assert lrs[-1].item() == pytest.approx(1.0) and lrs[0].item() == pytest.approx(1e-3)

    losses = []
    for i in range(300):
        ix = torch.randint(0, X.shape[0], (16,), generator=g)
        Xb, Yb = X[ix], Y[ix]
        emb = C[Xb]
        embcat = emb.view(-1, n_embd * block_size)
        hpreact = embcat @ W1
        bnmeani = hpreact.mean(0, keepdim=True)
        bnstdi = hpreact.std(0, keepdim=True)
        hpreact = bngain * (hpreact - bnmeani) / bnstdi + bnbias
        with torch.no_grad():
            bnmean_running = 0.9 * bnmean_running + 0.1 * bnmeani
            bnstd_running = 0.9 * bnstd_running + 0.1 * bnstdi
        h = torch.tanh(hpreact)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Yb)
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if i < 200 else 0.01
        for p in parameters:
            p.data += -lr * p.grad
        losses.append(loss.item())

    assert not bnmean_running.requires_grad and bnmean_running.shape == (1, n_hidden)
    final = split_loss(X, Y)
    assert not final.requires_grad
    # uniform guessing costs ln V; the model has learned well below that
    assert math.log(V) - final.item() > 0.5
    assert np.mean(losses[-50:]) < np.mean(losses[:50]) - 0.3


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 3))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


def blobs(n, generator):
    """Three well separated clusters of 2x2 'images'."""
    y = torch.randint(0, 3, (n,), generator=generator)
    centers = torch.tensor([[4.0, 0.0, 0.0, 0.0], [0.0, 4.0, 0.0, 0.0], [0.0, 0.0, 4.0, 0.0]])
    X = centers[y] + torch.randn(n, 4, generator=generator)
    return X.view(n, 2, 2), y


def test_module_classifier_with_train_and_test_loops():
    torch.manual_seed(0)
    device = "cpu"
    g = torch.Generator().manual_seed(1)
    X_train, y_train = blobs(600, g)
    X_test, y_test = blobs(300, g)
    model = NeuralNetwork().to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batch_size = 32

    def train_loop():
        model.train()
        for start in range(0, len(X_train), batch_size):
            X, y = X_train[start : start + batch_size].to(device), y_train[start : start + batch_size].to(device)
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()

    def test_loop():
        model.eval()
        test_loss, correct = 0.0, 0
        num_batches = math.ceil(len(X_test) / batch_size)
        with torch.no_grad():
            for start in range(0, len(X_test), batch_size):
                X, y = X_test[start : start + batch_size], y_test[start : start + batch_size]
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        return test_loss / num_batches, correct / len(X_test)

    for _ in range(5):
        train_loop()
    test_loss, accuracy = test_loop()

    with torch.no_grad():
        logits = model(X_test).numpy()
    assert accuracy == np.mean(logits.argmax(1) == y_test.numpy())
    values, predicted = torch.max(model(X_test), 1)
    assert (predicted == y_test).float().mean().item() == pytest.approx(accuracy)
    np.testing.assert_array_equal(values.detach().numpy(), logits.max(1))
    assert accuracy > 0.9  # clusters 4 standard deviations apart
    assert test_loss < 0.5


class NextToken(nn.Module):
    """Embeddings of the current token and of its position, a stack of residual MLP blocks,
    and a linear read-out: the shape of a small language model without attention."""

    def __init__(self, vocab_size, block_size, n_embd, n_layer):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, n_embd)
        self.position_embedding = nn.Embedding(block_size, n_embd)
        mlp = lambda: nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd))
        self.blocks = nn.ModuleList([mlp() for _ in range(n_layer)])
        self.norm = nn.Identity()
        self.lm_head = nn.Linear(n_embd, vocab_size)
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        x = self.token_embedding(idx) + self.position_embedding(torch.arange(T))
        for block in self.blocks:
            x = x + block(x)
        logits = self.lm_head(self.norm(x))
        if targets is None:
            return logits, None
        B, T, C = logits.shape
        return logits, F.cross_entropy(logits.view(B * T, C), targets.view(B * T))

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, block_size, generator=None):
        for _ in range(max_new_tokens):
            logits, _ = self(idx[:, -block_size:])
            probs = F.softmax(logits[:, -1, :], dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1, generator=generator)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx


def test_small_next_token_model_from_nn_layers():
    torch.manual_seed(1337)
    text = " ".join(WORDS * 4)
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    vocab_size, block_size, batch_size = len(chars), 8, 16
    model = NextToken(vocab_size, block_size, n_embd=16, n_layer=2)

    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["token_embedding.weight", "position_embedding.weight", "blocks.0.0.weight"]
    assert "blocks.1.2.bias" in names and names[-1] == "lm_head.bias"
    children = [name for name, _ in model.named_children()]
    assert children == ["token_embedding", "position_embedding", "blocks", "norm", "lm_head"]
    weights = np.concatenate([p.numpy().ravel() for name, p in model.named_parameters() if name.endswith("weight")])
    assert 0.015 < weights.std() < 0.025 and abs(weights.mean()) < 0.005  # N(0, 0.02) by apply()
    assert all((p.numpy() == 0).all() for name, p in model.named_parameters() if name.endswith("bias"))

    g = torch.Generator().manual_seed(42)

    def get_batch():
        ix = torch.randint(len(data) - block_size, (batch_size,), generator=g)
        x = torch.stack([data[i : i + block_size] for i in ix])
        y = torch.stack([data[i + 1 : i + block_size + 1] for i in ix])
        return x, y

    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(150):
        xb, yb = get_batch()
        assert xb.shape == (batch_size, block_size) and xb.dtype == torch.int64
        logits, loss = model(xb, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    assert losses[0] == pytest.approx(math.log(vocab_size), abs=0.05)  # tiny initial weights: uniform guesses
    assert np.mean(losses[-20:]) < losses[0] - 0.8

    start = torch.zeros((1, 1), dtype=torch.long)
    out = model.generate(start, max_new_tokens=20, block_size=block_size, generator=g)
    assert out.shape == (1, 21) and out.dtype == torch.int64
    assert ((out >= 0) & (out < vocab_size)).all()
    assert "".join(chars[i] for i in out[0].tolist())[0] == chars[0]
