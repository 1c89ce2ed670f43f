"""An asyncio SDK for Workato's Connectors API."""

from ._client import WorkatoClient as WorkatoClient
from ._config import __version__ as __version__
from ._exceptions import APIConnectionError as APIConnectionError
from ._exceptions import APIStatusError as APIStatusError
from ._exceptions import APITimeoutError as APITimeoutError
from ._exceptions import AuthenticationError as AuthenticationError
from ._exceptions import BadRequestError as BadRequestError
from ._exceptions import ConfigurationError as ConfigurationError
from ._exceptions import NotFoundError as NotFoundError
from ._exceptions import PermissionDeniedError as PermissionDeniedError
from ._exceptions import RateLimitError as RateLimitError
from ._exceptions import ResponseDecodeError as ResponseDecodeError
from ._exceptions import ServerError as ServerError
from ._exceptions import WorkatoError as WorkatoError
from ._forms import to_json_schema as to_json_schema
from ._models import Connector as Connector
from ._models import ConnectorPage as ConnectorPage
from ._models import Operation as Operation
from ._models import PickListOption as PickListOption
from ._models import SchemaField as SchemaField
from ._models import SchemaResult as SchemaResult
from ._ngif import visible_fields as visible_fields
from ._pagination import ConnectorPager as ConnectorPager
from ._protocol import external_id as external_id
from ._ratelimit import RateLimit as RateLimit
from ._redis import RedisLimiter as RedisLimiter

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "Connector",
    "ConnectorPage",
    "ConnectorPager",
    "NotFoundError",
    "Operation",
    "PermissionDeniedError",
    "PickListOption",
    "RateLimit",
    "RateLimitError",
    "RedisLimiter",
    "ResponseDecodeError",
    "SchemaField",
    "SchemaResult",
    "ServerError",
    "WorkatoClient",
    "WorkatoError",
    "__version__",
    "external_id",
    "to_json_schema",
    "visible_fields",
]
