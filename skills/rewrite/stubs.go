package rewrite

func stringBuilder(c *change) error { return c.notSafe("not implemented yet") }
func presizeAppend(c *change) error { return c.notSafe("not implemented yet") }
func hoistTimeNow(c *change) error  { return c.notSafe("not implemented yet") }
