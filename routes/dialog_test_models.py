"""Pydantic models of the pipeline-test endpoints (dialog files saved from the editor's «Probar» tab)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from graphs.testing.dialog_files import MAX_DIALOG_BYTES

EXAMPLE_DIALOG = "name: saludo\nturns:\n  - user: '!run ejemplo_simple nombre=Ana'\n    expect: {status: completed}\n"


class DialogTestRequest(BaseModel):
    """Body of PUT /orchestrator/pipelines/<name>/tests/<test_name>."""

    model_config = ConfigDict(extra="forbid")

    yaml: str = Field(
        max_length=MAX_DIALOG_BYTES,
        description="the dialog file: `name` and `turns` of `user` + `expect` (shared/dialogs format)",
        examples=[EXAMPLE_DIALOG],
    )


class DialogTestItem(BaseModel):
    """One saved test file of a pipeline."""

    name: str
    turns: int
    error: str | None = Field(description="why the file cannot be played (file:line), or null")


class DialogTestList(BaseModel):
    """The saved test files of one pipeline."""

    pipeline: str
    tests: list[DialogTestItem]


class SavedDialogTest(BaseModel):
    """A test file just saved."""

    pipeline: str
    name: str
    turns: int
    created: bool = Field(description="true when no test of that name existed")


class DialogDifference(BaseModel):
    """The first turn whose answer did not show what its `expect` asked for."""

    turn: int
    user: str
    expected: str
    got: str


class DialogTestResult(BaseModel):
    """How one saved dialog went."""

    file: str
    name: str
    passed: bool
    turns: int
    difference: DialogDifference | None
    error: str | None


class MissedTarget(BaseModel):
    """A step, `next` rule, correction or confirm edit that no test visits, where it is written."""

    kind: str = Field(description="step, branch, correction or edit")
    name: str = Field(description="the step id; «step → goto» for a branch; the slot of a correction")
    line: int
    column: int
    where: str = Field(description="file:line:col")


class KindCount(BaseModel):
    """Targets of one kind: how many the tests visit, of how many."""

    covered: int
    total: int


class TestCoverage(BaseModel):
    """What the saved tests visit of the pipeline (as `flask pipeline test --coverage` prints it)."""

    pipeline: str
    covered: float = Field(description="the covered share, 0–1")
    by_kind: dict[str, KindCount]
    missed: list[MissedTarget]


class DialogTestReport(BaseModel):
    """The saved tests of a pipeline, each played on a fresh temporary database, and their coverage."""

    pipeline: str
    passed: int
    failed: int
    results: list[DialogTestResult]
    coverage: TestCoverage | None = Field(description="null when the pipeline's saved text does not load")


REQUEST_MODELS: list[type[BaseModel]] = [DialogTestRequest]
RESPONSE_MODELS: list[type[BaseModel]] = [DialogTestList, SavedDialogTest, DialogTestReport]
