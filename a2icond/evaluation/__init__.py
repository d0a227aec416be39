"""What activation conditions do to real responses, offline.

`responses` reads Rekognition and Textract responses and A2I output records in either key
style; `evaluate` decides one document as A2I would; `records` compares that with what A2I
recorded; `simulation` streams a whole corpus into expected human loops and cost. Nothing here
imports the compiler's parser: the evaluator reads the A2I JSON model.
"""
