"""A trained classifier: the feature hashing and the calibrated linear model, and probabilities per label."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.pipeline import FeatureUnion

from tools.language.reader.features import Prepared, char_features, word_features

__all__ = ["FEATURES_VERSION", "Classifier", "featurizer"]

# Bumped whenever features.py or this file change what a message turns into: cached models are trained again.
FEATURES_VERSION = 2
_COLUMNS = 2**18


def featurizer() -> FeatureUnion:
    """Words (with the question's kind and context) and character n-grams, hashed and normalised separately."""
    words = HashingVectorizer(analyzer=word_features, n_features=_COLUMNS, alternate_sign=False)
    chars = HashingVectorizer(analyzer=char_features, n_features=_COLUMNS, alternate_sign=False)
    return FeatureUnion([("words", words), ("chars", chars)])


@dataclass(frozen=True)
class Classifier:
    """A fitted model: labels with calibrated probabilities for prepared messages."""

    features: FeatureUnion
    model: CalibratedClassifierCV

    @property
    def labels(self) -> list[str]:
        """The labels it was trained on, in column order."""
        return [str(label) for label in self.model.classes_]

    def probabilities(self, docs: list[Prepared]) -> np.ndarray:
        """One row of label probabilities (summing to 1) per prepared message."""
        return self.model.predict_proba(self.features.transform(docs))
