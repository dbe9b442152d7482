package digest

// WeekChart exposes the digest's chart to the tests.
var WeekChart = weekChart
