"""`ChatOllama.with_structured_output`, imported on first use (output parsers are not cheap)."""

from __future__ import annotations

from operator import itemgetter
from typing import Any, cast

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.output_parsers import (
    JsonOutputKeyToolsParser,
    JsonOutputParser,
    PydanticOutputParser,
    PydanticToolsParser,
)
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic import BaseModel
from pydantic.v1 import BaseModel as BaseModelV1
from typing_extensions import is_typeddict

__all__ = ["structured_output"]

_NEEDS_SCHEMA = "schema must be specified when method is not 'json_mode'. Received None."


def _is_pydantic_class(obj: Any) -> bool:
    return isinstance(obj, type) and is_basemodel_subclass(obj)


def _json_schema_of(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema from a dict, unwrapping an OpenAI tool or function definition."""
    if schema.get("type") == "function" and isinstance(schema.get("function"), dict):
        schema = schema["function"]
    if "name" in schema and isinstance(schema.get("parameters"), dict):
        return cast("dict[str, Any]", schema["parameters"])
    return schema


def structured_output(
    llm: BaseChatModel, schema: dict[str, Any] | type | None, *, method: str, include_raw: bool
) -> Runnable[LanguageModelInput, Any]:
    """Build the runnable `with_structured_output` returns (see its docstring)."""
    is_pydantic = _is_pydantic_class(schema)
    ls_kwargs = {"method": method}
    parser: Runnable[Any, Any]
    if method == "function_calling":
        if schema is None:
            raise ValueError(_NEEDS_SCHEMA)
        tool = convert_to_openai_tool(schema)
        name = tool["function"]["name"]
        bound = llm.bind_tools(
            [schema],
            tool_choice=name,
            ls_structured_output_format={"kwargs": ls_kwargs, "schema": tool},
        )
        if is_pydantic:
            parser = PydanticToolsParser(
                tools=[cast("type[BaseModel]", schema)], first_tool_only=True
            )
        else:
            parser = JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
    elif method == "json_mode":
        bound = llm.bind(
            format="json",
            ls_structured_output_format={"kwargs": ls_kwargs, "schema": schema},
        )
        parser = (
            PydanticOutputParser(pydantic_object=cast("type[BaseModel]", schema))
            if is_pydantic
            else JsonOutputParser()
        )
    elif method == "json_schema":
        if schema is None:
            raise ValueError(_NEEDS_SCHEMA)
        if is_pydantic:
            model = cast("type[BaseModel]", schema)
            fmt = model.schema() if issubclass(model, BaseModelV1) else model.model_json_schema()
            bound = llm.bind(
                format=fmt,
                ls_structured_output_format={"kwargs": ls_kwargs, "schema": schema},
            )
            parser = PydanticOutputParser(pydantic_object=model)
        else:
            if is_typeddict(schema):
                fmt = convert_to_json_schema(schema)
                if "required" not in fmt:
                    fmt["required"] = list(fmt.get("properties", {}).keys())
            elif isinstance(schema, dict):
                fmt = _json_schema_of(schema)
            else:
                fmt = convert_to_json_schema(schema)
            bound = llm.bind(
                format=fmt,
                ls_structured_output_format={"kwargs": ls_kwargs, "schema": fmt},
            )
            parser = JsonOutputParser()
    else:
        raise ValueError(
            "Unrecognized method argument. Expected one of 'function_calling', "
            f"'json_schema', or 'json_mode'. Received: '{method}'"
        )
    if include_raw:
        parse = RunnablePassthrough.assign(
            parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
        )
        none = RunnablePassthrough.assign(parsed=lambda _: None)
        with_fallback = parse.with_fallbacks([none], exception_key="parsing_error")
        return RunnableMap(raw=bound) | with_fallback
    return bound | parser
