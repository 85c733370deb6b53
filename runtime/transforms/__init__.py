"""Named transforms that provider specs refer to.

A spec never holds code; where translation needs logic with state or structure, the spec names
one of these functions (``module.function``) and passes literal arguments. One transform serves
every provider that needs it, and each is unit-tested on its own (tests/transforms/).

Modules are named for the wire shape they handle, never for a provider:
``canonical`` (the OpenAI format itself), ``blocks`` (content-block messages with a separate
system prompt and typed stream events), ``parts`` (contents/parts with function calls).
"""
