"""Provider clients behind one interface (see ``base.BankClient``)."""
