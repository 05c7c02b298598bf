from policydiff.program import run

run()
