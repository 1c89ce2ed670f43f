import workato_connectors
from workato_connectors import _exceptions


def test_all_is_sorted_and_every_name_resolves():
    assert workato_connectors.__all__ == sorted(workato_connectors.__all__)
    for name in workato_connectors.__all__:
        assert getattr(workato_connectors, name) is not None


def test_every_exception_class_is_exported():
    for name in _exceptions.__all__:
        assert name in workato_connectors.__all__


def test_public_names_have_docstrings():
    for name in workato_connectors.__all__:
        obj = getattr(workato_connectors, name)
        if callable(obj):
            assert obj.__doc__, name


def test_version_comes_from_package_metadata():
    from importlib.metadata import version

    assert workato_connectors.__version__ == version("workato-connectors")
