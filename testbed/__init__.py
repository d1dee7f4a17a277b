"""What the tests and the benchmarks share, and the installed package never ships: fake Telegram
Bot API and Zalo OA servers on 127.0.0.1 that refuse what the platforms refuse, Telegram update
builders, raw HTTP for abuse tests, seeded producers, and training-material files built here."""
