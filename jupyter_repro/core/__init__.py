"""Pure logic: data in, data out. No file system, kernel, server or network."""
