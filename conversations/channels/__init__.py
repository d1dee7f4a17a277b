"""Tables that channels keep beside the dialogue: inbox events, sent polls, web messages, tokens."""
