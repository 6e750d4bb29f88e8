from qgjob_api.main import main

main()
