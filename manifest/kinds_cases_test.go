package manifest

var hardeningCases = []ruleCase{}

var kindCases = []ruleCase{}
