from qgjob_worker.main import main

main()
