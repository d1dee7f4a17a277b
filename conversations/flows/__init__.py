"""Step-by-step flows; each module holds one flow, its transition table and a Mermaid diagram."""
