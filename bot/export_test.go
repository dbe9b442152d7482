package bot

// SkillStatsOf exposes the skill statistics to the tests.
var SkillStatsOf = (*Bot).skillStats
