from qgjob_cli.main import main

main()
