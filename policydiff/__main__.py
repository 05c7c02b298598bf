from policydiff.cli import main

main()
