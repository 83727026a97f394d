"""LangChain: ChatOllama from ollama_lite, a drop-in for langchain_ollama's.

Only the import line differs from code written for langchain-ollama. Needs the `langchain`
extra: pip install "ollama-lite[langchain,testing]".
"""

from __future__ import annotations

from _connect import CHAT_MODEL, ollama_host
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel

from ollama_lite.langchain import ChatOllama


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"It is 21 degrees and sunny in {city}."


class Answer(BaseModel):
    city: str
    summary: str


with ollama_host() as host:
    llm = ChatOllama(model=CHAT_MODEL, base_url=host, temperature=0)

    print("invoke:", llm.invoke("Say hello in five words.").content)

    print("stream: ", end="")
    for chunk in llm.stream("Count to five."):
        print(chunk.content, end="", flush=True)
    print()

    with_tools = llm.bind_tools([get_weather])
    messages = [HumanMessage("What's the weather in Lima?")]
    reply = with_tools.invoke(messages)
    messages.append(reply)
    for call in reply.tool_calls:
        print(f"tool call: {call['name']}({call['args']})")
        messages.append(ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"]))
    print("after tools:", with_tools.invoke(messages).content)

    structured = llm.with_structured_output(Answer)
    answer = structured.invoke("Describe the weather in Lima.")
    print("structured:", type(answer).__name__, answer)
