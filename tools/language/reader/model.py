"""A trained classifier: features hashed into columns (the hashing trick, with scikit-learn's MurmurHash3), a
linear SVM with Platt-calibrated probabilities fitted by scikit-learn, and reading done with the fitted arrays
alone, so one message costs a sparse product and a few exponentials rather than scikit-learn's input checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

from tools.language.reader.features import Prepared, char_features, word_features

__all__ = ["COLUMNS", "Classifier", "hashers", "vectorize", "vectorize_many"]

COLUMNS = 2**18  # per block of features: words (with the question's kind and context), then character n-grams
_BLOCKS: tuple[Callable[[Prepared], list[str]], ...] = (word_features, char_features)


def _column(feature: str) -> int:
    """The column of a feature, as scikit-learn's HashingVectorizer hashes it (signed MurmurHash3, seed 0)."""
    hashed = murmurhash3_32(feature)
    return (2**31 - 1 - (COLUMNS - 1)) % COLUMNS if hashed == -(2**31) else abs(hashed) % COLUMNS


def _hashed(features: Iterable[str]) -> tuple[list[int], list[float]]:
    """Column indices and values of one block of features, counted and scaled to unit length."""
    counts = Counter(_column(feature) for feature in features)
    if not counts:
        return [], []
    norm = float(np.sqrt(sum(v * v for v in counts.values())))
    return list(counts), [v / norm for v in counts.values()]


def hashers() -> list[HashingVectorizer]:
    """scikit-learn's vectorizers of the blocks: the same columns and values as `vectorize`, faster on many
    messages at once (training), much slower on one (its input checks cost half a millisecond a call)."""
    return [HashingVectorizer(analyzer=block, n_features=COLUMNS, alternate_sign=False) for block in _BLOCKS]


def vectorize_many(docs: list[Prepared]) -> sparse.csr_matrix:
    """`vectorize` for a training set, with scikit-learn's vectorizers."""
    return sparse.hstack([hasher.transform(docs) for hasher in hashers()]).tocsr()


def vectorize(docs: list[Prepared]) -> sparse.csr_matrix:
    """The feature matrix of prepared messages: one row each, every block normalised on its own."""
    indices: list[int] = []
    values: list[float] = []
    pointers = [0]
    for doc in docs:
        for block, features in enumerate(_BLOCKS):
            columns, data = _hashed(features(doc))
            indices.extend(column + block * COLUMNS for column in columns)
            values.extend(data)
        pointers.append(len(indices))
    shape = (len(docs), COLUMNS * len(_BLOCKS))
    return sparse.csr_matrix((np.asarray(values), np.asarray(indices), np.asarray(pointers)), shape=shape)


@dataclass(frozen=True)
class Classifier:
    """A fitted model as plain arrays: weights (columns × labels, sparse), intercepts and each label's Platt
    scaling; probabilities are those scikit-learn's CalibratedClassifierCV gives."""

    labels: tuple[str, ...]
    weights: sparse.csr_matrix
    intercept: np.ndarray
    slope: np.ndarray
    offset: np.ndarray

    @classmethod
    def constant(cls, label: str) -> Classifier:
        """A «model» of one label (nothing to tell apart: pipelines with no examples start nothing)."""
        zeros = np.zeros(1)
        weights = sparse.csr_matrix((COLUMNS * len(_BLOCKS), 1), dtype=np.float32)
        return cls((label,), weights, zeros, zeros.copy(), zeros.copy())

    @classmethod
    def of(cls, model: CalibratedClassifierCV) -> Classifier:
        """The arrays of a fitted CalibratedClassifierCV(FrozenEstimator(LinearSVC), method="sigmoid")."""
        calibrated = model.calibrated_classifiers_[0]
        svm = getattr(calibrated.estimator, "estimator", calibrated.estimator)  # a FrozenEstimator wraps it
        weights = sparse.csr_matrix(svm.coef_.T.astype(np.float32))
        slope = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
        offset = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
        return cls(tuple(str(label) for label in model.classes_), weights, svm.intercept_.copy(), slope, offset)

    def probabilities(self, docs: list[Prepared]) -> np.ndarray:
        """One row of label probabilities (summing to 1) per prepared message."""
        return self.probabilities_of(vectorize(docs))

    def probabilities_of(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """One row of label probabilities per row of a feature matrix."""
        scores = np.asarray((matrix @ self.weights).todense()) + self.intercept
        proba = 1.0 / (1.0 + np.exp(self.slope * scores + self.offset))
        total = proba.sum(axis=1, keepdims=True)
        uniform = np.full_like(proba, 1.0 / len(self.labels))
        return np.divide(proba, total, out=uniform, where=total != 0)
