"""Channel adapters: each translates its medium to `Incoming` and renders `Reply`s back."""
