from qgjob_scheduler.main import main

main()
