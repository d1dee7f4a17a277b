"""Background work inside `ocop-bot run`: delivery, the reminder scheduler, broadcast dispatch."""
