"""Embedding, F.embedding and F.one_hot: lookups against numpy indexing, gradients that add
up repeated indices, padding_idx, PyTorch's initialisation and keys, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.strategies import arrays


class TestEmbedding:
    def test_shapes_dtype_and_state_dict_key(self):
        emb = nn.Embedding(27, 10)
        assert emb.weight.shape == (27, 10) and emb.weight.dtype == np.float32 and emb.weight.requires_grad
        assert list(emb.state_dict()) == ["weight"]
        assert [name for name, _ in nn.Sequential(emb).named_parameters()] == ["0.weight"]
        assert emb(np.zeros((32, 3), dtype=np.int64)).shape == (32, 3, 10)

    def test_initialised_from_the_standard_normal_like_pytorch(self):
        mg.manual_seed(0)
        weight = nn.Embedding(1000, 100).weight.data
        assert weight.mean() == pytest.approx(0, abs=0.01) and weight.std() == pytest.approx(1, abs=0.01)

    def test_generator_and_default_generator_make_it_repeatable(self):
        a, b = nn.Embedding(5, 3, generator=7), nn.Embedding(5, 3, generator=7)
        np.testing.assert_array_equal(a.weight.data, b.weight.data)
        mg.manual_seed(1)
        first = nn.Embedding(5, 3).weight.data
        mg.manual_seed(1)
        np.testing.assert_array_equal(nn.Embedding(5, 3).weight.data, first)

    def test_lookup_is_numpy_indexing_of_the_rows(self):
        emb = nn.Embedding(6, 4, dtype=np.float64)
        idx = np.array([[0, 5], [5, 2]])
        np.testing.assert_array_equal(emb(idx).data, emb.weight.data[idx])
        np.testing.assert_array_equal(emb(mg.Tensor(idx)).data, emb.weight.data[idx])
        np.testing.assert_array_equal(emb([1, 1]).data, emb.weight.data[[1, 1]])
        np.testing.assert_array_equal(emb(np.array(3)).data, emb.weight.data[3])  # a 0-d index: one row
        np.testing.assert_array_equal(emb(np.array([2], dtype=np.int32)).data, emb.weight.data[[2]])

    def test_repeated_indices_add_their_gradients(self):
        emb = nn.Embedding(4, 2, dtype=np.float64)
        out = emb(np.array([[1, 3], [1, 1]]))
        out.backward(np.arange(8.0).reshape(2, 2, 2))
        # row 1 is picked at (0, 0), (1, 0), (1, 1): [0, 1] + [4, 5] + [6, 7]; row 3 at (0, 1)
        np.testing.assert_array_equal(emb.weight.grad, [[0, 0], [10, 13], [0, 0], [2, 3]])

    @given(data=st.data())
    def test_gradient_matches_finite_differences(self, data):
        num, dim = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 3))
        idx_shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=4))
        idx = data.draw(hnp.arrays(np.int64, idx_shape, elements=st.integers(0, num - 1)))
        weight = mg.Tensor(data.draw(arrays((num, dim))), requires_grad=True)
        assert mg.gradcheck(lambda w: F.embedding(idx, w), weight)
        # with padding_idx: the same gradient, except none for the padding row
        padding = data.draw(st.integers(-num, num - 1))
        upstream = data.draw(arrays(idx.shape + (dim,)))
        weight.grad = None
        F.embedding(idx, weight).backward(upstream)
        expected = weight.grad.copy()
        expected[padding] = 0
        weight.grad = None
        F.embedding(idx, weight, padding_idx=padding).backward(upstream)
        np.testing.assert_array_equal(weight.grad, expected)

    def test_padding_row_starts_at_zero_and_gets_no_gradient(self):
        emb = nn.Embedding(4, 3, padding_idx=-1, generator=0)
        assert emb.padding_idx == 3
        np.testing.assert_array_equal(emb.weight.data[3], 0)
        assert np.all(emb.weight.data[:3] != 0)
        emb(np.array([3, 0, 3])).sum().backward()
        np.testing.assert_array_equal(emb.weight.grad, [[1, 1, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0]])

    def test_from_pretrained_copies_and_freezes(self):
        table = np.arange(6.0).reshape(3, 2)
        emb = nn.Embedding.from_pretrained(table, padding_idx=1)
        assert not emb.weight.requires_grad and emb.padding_idx == 1
        np.testing.assert_array_equal(emb.weight.data, table)  # the padding row keeps its values, as in PyTorch
        table[0, 0] = 99
        assert emb.weight.data[0, 0] == 0
        trainable = nn.Embedding.from_pretrained(mg.Tensor(table), freeze=False, padding_idx=1)
        trainable(np.array([1, 2, 2])).sum().backward()
        np.testing.assert_array_equal(trainable.weight.grad, [[0, 0], [0, 0], [2, 2]])

    def test_from_pretrained_takes_no_random_numbers(self):
        mg.manual_seed(3)
        nn.Embedding.from_pretrained(np.ones((2, 2)))
        after = mg.randn(3).data
        mg.manual_seed(3)
        np.testing.assert_array_equal(mg.randn(3).data, after)

    def test_repr_like_pytorch(self):
        assert repr(nn.Embedding(27, 10)) == "Embedding(27, 10)"
        assert repr(nn.Embedding(27, 10, padding_idx=-1)) == "Embedding(27, 10, padding_idx=26)"

    def test_float_indices_are_a_type_error(self):
        with pytest.raises(TypeError, match=r"embedding: indices must be integers, got dtype float32"):
            nn.Embedding(3, 2)(mg.Tensor([0.0, 1.0]))
        with pytest.raises(TypeError, match="got dtype bool"):
            nn.Embedding(3, 2)(np.array([True]))

    @pytest.mark.parametrize("bad", [5, -1])
    def test_index_out_of_range_names_the_index_and_the_table_size(self, bad):
        with pytest.raises(IndexError, match=rf"index {bad} is out of range for num_embeddings=5 \(indices must be in"):
            nn.Embedding(5, 2)(np.array([[0, bad]]))

    def test_constructor_arguments(self):
        with pytest.raises(TypeError, match="num_embeddings must be an int, got 5.0"):
            nn.Embedding(5.0, 2)
        with pytest.raises(ValueError, match="embedding_dim must be at least 1, got 0"):
            nn.Embedding(5, 0)
        with pytest.raises(ValueError, match=r"padding_idx must be within num_embeddings=5 \(in \[-5, 4\]\), got 5"):
            nn.Embedding(5, 2, padding_idx=5)
        with pytest.raises(TypeError, match="padding_idx must be an int"):
            nn.Embedding(5, 2, padding_idx=1.0)
        with pytest.raises(ValueError, match=r"2-D array .* got shape \(3,\)"):
            nn.Embedding.from_pretrained(np.ones(3))
        with pytest.raises(TypeError, match="floating-point embeddings, got dtype int64"):
            nn.Embedding.from_pretrained(np.ones((3, 2), dtype=np.int64))

    def test_functional_weight_checks(self):
        with pytest.raises(ValueError, match=r"weight must be 2-D \(num_embeddings, embedding_dim\), got shape \(6,\)"):
            F.embedding(np.array([0]), mg.Tensor(np.arange(6.0)))
        with pytest.raises(TypeError, match="weight must be a Tensor, got ndarray"):
            F.embedding(np.array([0]), np.ones((2, 2)))

    def test_float32_table_stays_float32(self):
        emb = nn.Embedding(3, 2)
        emb(np.array([0, 2])).sum().backward()
        assert emb(np.array([1])).dtype == np.float32 and emb.weight.grad.dtype == np.float32

    def test_trains_like_a_linear_layer_on_one_hot_inputs(self):
        # embedding(i) = one_hot(i) @ W: same values and same gradient
        emb = nn.Embedding(4, 3, dtype=np.float64)
        idx = np.array([2, 0, 2])
        w = mg.Tensor(emb.weight.data.copy(), requires_grad=True)
        one_hot = F.one_hot(idx, 4).data.astype(np.float64)
        np.testing.assert_allclose(emb(idx).data, (mg.Tensor(one_hot) @ w).data)
        (emb(idx) * emb(idx)).sum().backward()
        ((mg.Tensor(one_hot) @ w) * (mg.Tensor(one_hot) @ w)).sum().backward()
        np.testing.assert_allclose(emb.weight.grad, w.grad, rtol=1e-15)


class TestOneHot:
    def test_values_and_dtype(self):
        out = F.one_hot(np.array([0, 2, 1]))
        assert out.dtype == np.int64 and out.shape == (3, 3)
        np.testing.assert_array_equal(out.data, np.eye(3, dtype=np.int64)[[0, 2, 1]])
        np.testing.assert_array_equal(F.one_hot(mg.Tensor(np.array([1])), num_classes=4).data, [[0, 1, 0, 0]])

    @given(hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements=st.integers(0, 5)))
    def test_any_shape_gets_a_last_axis_of_classes(self, labels):
        out = F.one_hot(labels, 6).data
        assert out.shape == labels.shape + (6,)
        assert np.all(out.sum(axis=-1) == 1)
        np.testing.assert_array_equal(out.argmax(axis=-1), labels)

    def test_num_classes_default_is_one_more_than_the_largest_class(self):
        assert F.one_hot([3, 1]).shape == (2, 4)

    def test_empty_input_needs_num_classes(self):
        assert F.one_hot(np.zeros(0, dtype=np.int64), 3).shape == (0, 3)
        with pytest.raises(ValueError, match="cannot infer num_classes from an empty tensor"):
            F.one_hot(np.zeros(0, dtype=np.int64))

    def test_errors(self):
        with pytest.raises(TypeError, match="one_hot: indices must be integers, got dtype float32"):
            F.one_hot(mg.Tensor([0.0, 1.0]))
        with pytest.raises(ValueError, match="class values must be non-negative, got -1"):
            F.one_hot(np.array([0, -1]))
        with pytest.raises(ValueError, match="class 3 is out of range for num_classes=3"):
            F.one_hot(np.array([0, 3]), 3)
        with pytest.raises(ValueError, match="num_classes must be at least -1, got -2"):
            F.one_hot(np.array([0]), -2)
        with pytest.raises(TypeError, match="num_classes must be an int, got 2.0"):
            F.one_hot(np.array([0]), 2.0)
