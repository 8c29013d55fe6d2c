// transform() returned null: nothing to do
